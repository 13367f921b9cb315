import { View, Text } from '@tarojs/components'

import './index.scss'

export default function Index() {
  return (
    <View className='index'>
      <Text className='index__title'>医保家庭共济</Text>
      <Text className='index__subtitle'>页面建设中</Text>
    </View>
  )
}
